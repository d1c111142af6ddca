package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateRouteServerPeerResponse;
import software.amazon.awssdk.services.ec2.model.CreateRouteServerResponse;
import software.amazon.awssdk.services.ec2.model.DescribeVpcsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteServerPeerLivenessMode;
import software.amazon.awssdk.services.ec2.model.RouteServerPersistRoutesAction;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcState;

/**
 * The real AWS SDK for Java v2 drives the API: what it sends arrives under the names the actions read, and what
 * the actions write comes back as the SDK's model objects and exceptions.
 */
class AwsSdkTest {
    record Net(String id, String cidr, Map<String, String> tags) {}

    /** vpc-00 .. vpc-22; even ones are env=prod, odd ones env=dev. */
    static final List<Net> NETS = new ArrayList<>();

    static {
        for (int i = 0; i < 23; i++) {
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("Name", "net-%02d".formatted(i));
            tags.put("env", i % 2 == 0 ? "prod" : "dev");
            NETS.add(new Net("vpc-%02d".formatted(i), "10." + i + ".0.0/16", tags));
        }
    }

    static final Map<String, Function<Net, Collection<String>>> NET_FIELDS = Map.of(
            "vpc-id", n -> List.of(n.id()),
            "cidr-block", n -> List.of(n.cidr()),
            "state", n -> List.of("available"));

    /** DescribeVpcs over {@link #NETS}, the way a real handler is meant to be written. */
    static void describeVpcs(QueryRequest r, XmlWriter w) {
        List<String> ids = r.list("VpcId");
        List<Filter> filters = r.filters();
        r.checkDryRun();
        List<Net> chosen = ids.isEmpty() ? NETS : NETS.stream().filter(n -> ids.contains(n.id())).toList();
        Page<Net> page = Page.of(Filters.apply(chosen, filters, NET_FIELDS, Net::tags), r, 1000, 5, 1000);
        w.list("vpcSet", page.items(), (x, n) -> x
                .element("vpcId", n.id())
                .element("state", "available")
                .element("cidrBlock", n.cidr())
                .element("isDefault", false)
                .tags("tagSet", n.tags()));
        w.element("nextToken", page.nextToken());
    }

    @Test
    void describedVpcsArriveAsSdkModelObjects() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            DescribeVpcsResponse response = api.client().describeVpcs(r -> r.vpcIds("vpc-03", "vpc-20"));

            assertEquals(2, response.vpcs().size());
            Vpc vpc = response.vpcs().getFirst();
            assertEquals("vpc-03", vpc.vpcId());
            assertEquals("10.3.0.0/16", vpc.cidrBlock());
            assertEquals(VpcState.AVAILABLE, vpc.state());
            assertFalse(vpc.isDefault());
            assertEquals(List.of(tag("Name", "net-03"), tag("env", "dev")), vpc.tags());
            assertEquals(null, response.nextToken());
        }
    }

    @Test
    void filtersAndListsArriveUnderTheSdkQueryNames() {
        AtomicReference<QueryRequest> seen = new AtomicReference<>();
        // Echoes each filter back as a VPC whose tags name the filter and its values.
        Action echo = (r, w) -> {
            seen.set(r);
            List<Filter> filters = r.filters();
            List<Net> echoed = new ArrayList<>();
            for (int i = 0; i < filters.size(); i++) {
                echoed.add(new Net("vpc-echo-" + i, "10.0.0.0/16",
                        Map.of("filter", filters.get(i).name(), "values", String.join("|", filters.get(i).values()))));
            }
            w.list("vpcSet", echoed, (x, n) -> x.element("vpcId", n.id()).tags("tagSet", n.tags()));
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", echo))) {
            DescribeVpcsResponse response = api.client().describeVpcs(r -> r
                    .vpcIds("vpc-a", "vpc-b")
                    .filters(sdkFilter("tag:Name", "web-*", "db-?"), sdkFilter("cidr-block", "10.1.0.0/16")));

            QueryRequest request = seen.get();
            assertEquals("DescribeVpcs", request.action());
            assertEquals(List.of("vpc-a", "vpc-b"), request.list("VpcId"));
            assertEquals("tag:Name", request.string("Filter.1.Name"));
            assertEquals("db-?", request.string("Filter.1.Value.2"));
            assertEquals(List.of(new Filter("tag:Name", List.of("web-*", "db-?")),
                    new Filter("cidr-block", List.of("10.1.0.0/16"))), request.filters());

            assertEquals(2, response.vpcs().size());
            assertTrue(response.vpcs().getFirst().tags().containsAll(List.of(tag("filter", "tag:Name"),
                    tag("values", "web-*|db-?"))));
            assertTrue(response.vpcs().get(1).tags().contains(tag("values", "10.1.0.0/16")));
        }
    }

    @Test
    void tagAndWildcardFiltersSelectTheMatchingVpcs() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            DescribeVpcsResponse response = api.client().describeVpcs(r -> r.filters(
                    sdkFilter("tag:env", "prod"),
                    sdkFilter("vpc-id", "vpc-1*", "vpc-2?")));

            assertEquals(List.of("vpc-10", "vpc-12", "vpc-14", "vpc-16", "vpc-18", "vpc-20", "vpc-22"),
                    response.vpcs().stream().map(Vpc::vpcId).toList());
        }
    }

    @Test
    void unknownFilterIsRefusedWithTheValidFilterNames() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client().describeVpcs(r -> r.filters(sdkFilter("colour", "blue"))));

            assertEquals("InvalidParameterValue", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertEquals("The filter 'colour' is invalid; valid filters: cidr-block, state, tag-key, tag-value, "
                    + "tag:<key>, vpc-id", e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void sdkPaginatorWalksEveryPageByNextToken() {
        AtomicInteger calls = new AtomicInteger();
        Action counted = (r, w) -> {
            calls.incrementAndGet();
            describeVpcs(r, w);
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", counted))) {
            List<String> ids = api.client().describeVpcsPaginator(r -> r.maxResults(5)).vpcs().stream()
                    .map(Vpc::vpcId).toList();

            assertEquals(NETS.stream().map(Net::id).toList(), ids);
            assertEquals(5, calls.get(), "23 VPCs at 5 per page are 5 pages");
        }
    }

    @Test
    void maxResultsOutsideTheActionsRangeIsRefusedNamingTheRange() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Ec2Exception e = assertThrows(Ec2Exception.class, () -> api.client().describeVpcs(r -> r.maxResults(2)));

            assertEquals("InvalidParameterValue", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("MaxResults"), e.getMessage());
            assertTrue(e.awsErrorDetails().errorMessage().contains("from 5 to 1000"), e.getMessage());
        }
    }

    @Test
    void nextTokenVrouteDidNotIssueIsRefused() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client().describeVpcs(r -> r.maxResults(5).nextToken("eyJvZmZzZXQiOjV9")));

            assertEquals("InvalidParameterValue", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().startsWith("Invalid NextToken"), e.getMessage());
        }
    }

    @Test
    void createRouteServerCarriesAsnTagSpecificationsAndClientToken() {
        AtomicReference<QueryRequest> seen = new AtomicReference<>();
        Action create = (r, w) -> {
            seen.set(r);
            long asn = r.requiredLong("AmazonSideAsn", 1, 4294967295L);
            Map<String, String> tags = r.creationTags("route-server");
            r.checkDryRun();
            w.start("routeServer")
                    .element("routeServerId", "rs-" + r.clientToken())
                    .element("amazonSideAsn", asn)
                    .element("state", "pending")
                    .element("persistRoutesState", r.enumValue("PersistRoutes", Set.of("enable", "disable", "reset")))
                    .element("persistRoutesDuration", r.longValue("PersistRoutesDuration", 1, 5))
                    .element("snsNotificationsEnabled", r.bool("SnsNotificationsEnabled"))
                    .tags("tagSet", tags)
                    .end();
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("CreateRouteServer", create))) {
            CreateRouteServerResponse response = api.client().createRouteServer(r -> r
                    .amazonSideAsn(4_200_000_000L)
                    .persistRoutes(RouteServerPersistRoutesAction.ENABLE)
                    .persistRoutesDuration(2L)
                    .clientToken("token-1")
                    .tagSpecifications(software.amazon.awssdk.services.ec2.model.TagSpecification.builder()
                            .resourceType(ResourceType.ROUTE_SERVER)
                            .tags(tag("Name", "edge & core"), tag("team", "net")).build()));

            QueryRequest request = seen.get();
            assertEquals("4200000000", request.string("AmazonSideAsn"));
            assertEquals("route-server", request.string("TagSpecification.1.ResourceType"));
            assertEquals("team", request.string("TagSpecification.1.Tag.2.Key"));
            assertEquals("edge & core", request.string("TagSpecification.1.Tag.1.Value"));
            assertEquals("token-1", request.clientToken());
            assertEquals(List.of(new TagSpecification("route-server", Map.of("Name", "edge & core", "team", "net"))),
                    request.tagSpecifications());

            assertEquals("rs-token-1", response.routeServer().routeServerId());
            assertEquals(4_200_000_000L, response.routeServer().amazonSideAsn());
            assertEquals(2L, response.routeServer().persistRoutesDuration());
            assertEquals(null, response.routeServer().snsNotificationsEnabled(), "an absent flag is not written");
            assertEquals(List.of(tag("Name", "edge & core"), tag("team", "net")), response.routeServer().tags());
        }
    }

    @Test
    void createRouteServerPeerSendsBgpOptionsAsAStructure() {
        AtomicReference<QueryRequest> seen = new AtomicReference<>();
        Action create = (r, w) -> {
            seen.set(r);
            QueryRequest bgp = r.struct("BgpOptions");
            long peerAsn = bgp.requiredLong("PeerAsn", 1, 4294967295L);
            String liveness = bgp.enumValue("PeerLivenessDetection", Set.of("bfd", "bgp-keepalive"));
            w.start("routeServerPeer")
                    .element("routeServerPeerId", "rsp-1")
                    .element("routeServerEndpointId", r.required("RouteServerEndpointId"))
                    .element("peerAddress", r.required("PeerAddress"))
                    .start("bgpOptions").element("peerAsn", peerAsn).element("peerLivenessDetection", liveness).end()
                    .end();
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("CreateRouteServerPeer", create))) {
            CreateRouteServerPeerResponse response = api.client().createRouteServerPeer(r -> r
                    .routeServerEndpointId("rse-1")
                    .peerAddress("10.0.1.203")
                    .bgpOptions(b -> b.peerAsn(65001L).peerLivenessDetection(RouteServerPeerLivenessMode.BFD)));

            assertEquals("65001", seen.get().string("BgpOptions.PeerAsn"));
            assertEquals("bfd", seen.get().string("BgpOptions.PeerLivenessDetection"));
            assertEquals(65001L, response.routeServerPeer().bgpOptions().peerAsn());
            assertEquals(RouteServerPeerLivenessMode.BFD, response.routeServerPeer().bgpOptions().peerLivenessDetection());
            assertEquals("10.0.1.203", response.routeServerPeer().peerAddress());
        }
    }

    @Test
    void missingStructureMemberIsMissingParameterWithItsFullName() {
        Action create = (r, w) -> r.struct("BgpOptions").requiredLong("PeerAsn", 1, 4294967295L);
        try (ApiUnderTest api = new ApiUnderTest(Map.of("CreateRouteServerPeer", create))) {
            Ec2Exception e = assertThrows(Ec2Exception.class, () -> api.client().createRouteServerPeer(r -> r
                    .routeServerEndpointId("rse-1").peerAddress("10.0.1.203")
                    .bgpOptions(b -> b.peerLivenessDetection(RouteServerPeerLivenessMode.BFD))));

            assertEquals("MissingParameter", e.awsErrorDetails().errorCode());
            assertEquals("The request must contain the parameter BgpOptions.PeerAsn", e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void actionErrorReachesTheSdkWithItsCodeAndMessage() {
        Action delete = (r, w) -> {
            throw new io.vroute.api.Ec2Exception("InvalidRouteServerId.NotFound", "The route server ID '"
                    + r.required("RouteServerId") + "' does not exist; list yours with DescribeRouteServers.");
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DeleteRouteServer", delete))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client().deleteRouteServer(r -> r.routeServerId("rs-nope")));

            assertEquals("InvalidRouteServerId.NotFound", e.awsErrorDetails().errorCode());
            assertEquals("The route server ID 'rs-nope' does not exist; list yours with DescribeRouteServers.",
                    e.awsErrorDetails().errorMessage());
            assertEquals(400, e.statusCode());
            assertNotNull(e.requestId());
        }
    }

    @Test
    void dryRunAnswersDryRunOperationAndChangesNothing() {
        AtomicInteger created = new AtomicInteger();
        Action create = (r, w) -> {
            r.requiredLong("AmazonSideAsn", 1, 4294967295L);
            r.checkDryRun();
            created.incrementAndGet();
            w.start("routeServer").element("routeServerId", "rs-1").end();
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("CreateRouteServer", create))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client().createRouteServer(r -> r.amazonSideAsn(65000L).dryRun(true)));

            assertEquals("DryRunOperation", e.awsErrorDetails().errorCode());
            assertEquals(412, e.statusCode());
            assertEquals(0, created.get());
        }
    }

    @Test
    void actionVrouteDoesNotServeIsInvalidAction() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Ec2Exception e = assertThrows(Ec2Exception.class, () -> api.client().deleteVpc(r -> r.vpcId("vpc-00")));

            assertEquals("InvalidAction", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
        }
    }

    @Test
    void unexpectedFailureIsInternalErrorThatRevealsNothingButTheRequestId() {
        Action broken = (r, w) -> {
            throw new IllegalStateException("table rtb-secret is corrupt at row 42");
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", broken))) {
            Ec2Exception e = assertThrows(Ec2Exception.class, () -> api.client().describeVpcs());

            assertEquals("InternalError", e.awsErrorDetails().errorCode());
            assertEquals(500, e.statusCode());
            String message = e.awsErrorDetails().errorMessage();
            assertTrue(message.contains("server log") && message.contains(e.requestId()), message);
            assertFalse(message.contains("rtb-secret") || message.contains("IllegalState"), message);
        }
    }

    /** A domain exception of another module, with a code of its own. */
    static final class RouteServerTrouble extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;

        RouteServerTrouble(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Test
    void translatorTurnsDomainExceptionsIntoEc2Errors() {
        Action delete = (r, w) -> {
            throw new RouteServerTrouble("IncorrectState", "The route server still has endpoints; delete them first.");
        };
        Function<RuntimeException, io.vroute.api.Ec2Exception> translator = e -> e instanceof RouteServerTrouble t
                ? new io.vroute.api.Ec2Exception(t.code, t.getMessage()) : null;
        try (ApiUnderTest api = new ApiUnderTest(new SigV4Authenticator(Map.of(ApiUnderTest.KEY_ID, ApiUnderTest.SECRET)),
                Map.of("DeleteRouteServer", delete), translator)) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client().deleteRouteServer(r -> r.routeServerId("rs-1")));

            assertEquals("IncorrectState", e.awsErrorDetails().errorCode());
            assertEquals("The route server still has endpoints; delete them first.", e.awsErrorDetails().errorMessage());
        }
    }

    /** CreateRouteServer that makes rs-1, rs-2, ... and counts how often it ran. */
    static Action countingCreate(AtomicInteger created) {
        return (r, w) -> {
            long asn = r.requiredLong("AmazonSideAsn", 1, 4294967295L);
            r.checkDryRun();
            w.start("routeServer")
                    .element("routeServerId", "rs-" + created.incrementAndGet())
                    .element("amazonSideAsn", asn)
                    .end();
        };
    }

    @Test
    void retryWithTheSameClientTokenGetsTheFirstAnswerWithoutCreatingAgain() {
        AtomicInteger created = new AtomicInteger();
        try (ApiUnderTest api = new ApiUnderTest(Map.of("CreateRouteServer", countingCreate(created)))) {
            Ec2Client client = api.client();
            var first = client.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("once"));
            var again = client.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("once"));
            var other = client.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("another"));

            assertEquals("rs-1", first.routeServer().routeServerId());
            assertEquals("rs-1", again.routeServer().routeServerId());
            assertEquals("rs-2", other.routeServer().routeServerId());
            assertEquals(2, created.get());
            assertNotEquals(first.responseMetadata().requestId(), again.responseMetadata().requestId());
        }
    }

    @Test
    void sameClientTokenWithOtherParametersIsIdempotentParameterMismatch() {
        AtomicInteger created = new AtomicInteger();
        try (ApiUnderTest api = new ApiUnderTest(Map.of("CreateRouteServer", countingCreate(created)))) {
            Ec2Client client = api.client();
            client.createRouteServer(r -> r.amazonSideAsn(65000L).clientToken("once"));
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> client.createRouteServer(r -> r.amazonSideAsn(65001L).clientToken("once")));

            assertEquals("IdempotentParameterMismatch", e.awsErrorDetails().errorCode());
            assertEquals(1, created.get());
        }
    }

    @Test
    void correctKeyPairIsAccepted() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            assertEquals(23, api.client().describeVpcs().vpcs().size());
        }
    }

    @Test
    void wrongSecretIsAuthFailure() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client(ApiUnderTest.KEY_ID, "not-the-secret-0123456789012345678901234").describeVpcs());

            assertEquals("AuthFailure", e.awsErrorDetails().errorCode());
            assertEquals(403, e.statusCode());
        }
    }

    @Test
    void unknownAccessKeyIsAuthFailureThatPointsAtTheCredentialsFile() {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Ec2Exception e = assertThrows(Ec2Exception.class,
                    () -> api.client("AKIAUNKNOWN000000000", ApiUnderTest.SECRET).describeVpcs());

            assertEquals("AuthFailure", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("credentials"), e.getMessage());
        }
    }

    @Test
    void unsignedRequestIsRefused() {
        AtomicInteger calls = new AtomicInteger();
        Action counted = (r, w) -> {
            calls.incrementAndGet();
            describeVpcs(r, w);
        };
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", counted))) {
            Ec2Exception e = assertThrows(Ec2Exception.class, () -> api.anonymousClient().describeVpcs());

            assertEquals("MissingAuthenticationToken", e.awsErrorDetails().errorCode());
            assertEquals(403, e.statusCode());
            assertEquals(0, calls.get());
        }
    }

    @Test
    void withAuthenticationOffUnsignedRequestsAreServed() {
        try (ApiUnderTest api = new ApiUnderTest(Authenticator.none(), Map.of("DescribeVpcs", AwsSdkTest::describeVpcs),
                e -> null)) {
            assertEquals(23, api.anonymousClient().describeVpcs().vpcs().size());
        }
    }

    @Test
    void everyRequestIsLoggedOnceAtFineWithoutItsCredentials() throws InterruptedException {
        Logger logger = Logger.getLogger("vroute.api");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            var response = api.client().describeVpcs(r -> r.filters(sdkFilter("tag:Name", "private-name")));

            // The line is written once the answer is out, so it may come a moment after the client has it.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (records.stream().noneMatch(r -> r.getLevel() == Level.FINE) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<String> lines = records.stream().filter(r -> r.getLevel() == Level.FINE)
                    .map(r -> new java.text.MessageFormat(r.getMessage()).format(r.getParameters())).toList();
            assertEquals(1, lines.size(), lines.toString());
            String line = lines.getFirst();
            assertTrue(line.startsWith("DescribeVpcs 200 ") && line.contains(response.responseMetadata().requestId()),
                    line);
            for (String secretish : List.of(ApiUnderTest.SECRET, ApiUnderTest.KEY_ID, "Signature", "private-name")) {
                assertFalse(records.stream().anyMatch(r -> String.valueOf(r.getMessage()).contains(secretish)
                        || java.util.Arrays.toString(r.getParameters()).contains(secretish)), secretish);
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(before);
        }
    }

    private static software.amazon.awssdk.services.ec2.model.Filter sdkFilter(String name, String... values) {
        return software.amazon.awssdk.services.ec2.model.Filter.builder().name(name).values(values).build();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}
