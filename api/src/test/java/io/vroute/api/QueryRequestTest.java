package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryRequestTest {
    private static QueryRequest form(String body) {
        Map<String, String> parameters = new HashMap<>();
        PercentEncoding.decodeForm(body, parameters);
        return QueryRequest.of(parameters);
    }

    private static Ec2Exception refused(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(Ec2Exception.class, call);
    }

    @Test
    void formEncodingIsDecodedAsUtf8WithPlusAsSpace() {
        QueryRequest r = form("Action=CreateTags&Tag.1.Key=Name&Tag.1.Value=caf%C3%A9+%26+bar%3D1&Empty=&Bare");

        assertEquals("CreateTags", r.action());
        assertEquals("café & bar=1", r.string("Tag.1.Value"));
        assertEquals("", r.string("Empty"));
        assertEquals("", r.string("Bare"));
        assertNull(r.string("Absent"));
    }

    @Test
    void brokenPercentEscapeIsMalformedQueryString() {
        assertEquals("MalformedQueryString", refused(() -> form("Action=DescribeVpcs&VpcId.1=%zz")).code());
    }

    @Test
    void parameterGivenTwiceIsRefused() {
        assertEquals("InvalidParameterValue", refused(() -> form("Action=A&VpcId.1=a&VpcId.1=b")).code());
    }

    @Test
    void listKeepsNumericOrderAndToleratesGaps() {
        QueryRequest r = form("VpcId.10=ten&VpcId.2=two&VpcId.1=one&VpcId.7=seven&VpcIdX.1=other&VpcId.3.Key=nested");

        assertEquals(List.of("one", "two", "seven", "ten"), r.list("VpcId"));
        assertEquals(List.of(), r.list("SubnetId"));
    }

    @Test
    void missingRequiredParameterIsMissingParameter() {
        Ec2Exception e = refused(() -> form("Action=DeleteRouteServer&RouteServerId=").required("RouteServerId"));

        assertEquals("MissingParameter", e.code());
        assertEquals("The request must contain the parameter RouteServerId", e.getMessage());
    }

    @Test
    void numbersOutsideTheirRangeOrNotNumbersNameTheRange() {
        QueryRequest r = form("AmazonSideAsn=4294967296&PersistRoutesDuration=soon&MaxResults=5");

        Ec2Exception tooBig = refused(() -> r.longValue("AmazonSideAsn", 1, 4294967295L));
        assertEquals("InvalidParameterValue", tooBig.code());
        assertEquals("Value '4294967296' for parameter AmazonSideAsn is invalid. Use a whole number from 1 to "
                + "4294967295.", tooBig.getMessage());
        assertTrue(refused(() -> r.intValue("PersistRoutesDuration", 1, 5)).getMessage().contains("from 1 to 5"));
        assertEquals(5, r.intValue("MaxResults", 5, 1000));
        assertNull(r.longValue("Absent", 1, 2));
        assertEquals("MissingParameter", refused(() -> r.requiredLong("Absent", 1, 2)).code());
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        QueryRequest r = form("SnsNotificationsEnabled=true&DryRun=False&Bad=yes");

        assertEquals(Boolean.TRUE, r.bool("SnsNotificationsEnabled"));
        assertEquals(Boolean.FALSE, r.bool("DryRun"));
        assertNull(r.bool("Absent"));
        assertTrue(r.bool("Absent", true));
        assertTrue(refused(() -> r.bool("Bad")).getMessage().endsWith("Use true or false."));
    }

    @Test
    void enumValueListsTheAllowedValues() {
        QueryRequest r = form("PersistRoutes=always");

        Ec2Exception e = refused(() -> r.enumValue("PersistRoutes", Set.of("enable", "disable", "reset")));

        assertEquals("Value 'always' for parameter PersistRoutes is invalid. Use one of: disable, enable, reset.",
                e.getMessage());
        assertEquals("reset", form("PersistRoutes=reset").enumValue("PersistRoutes", Set.of("enable", "reset")));
    }

    @Test
    void structViewReadsRelativeNamesAndReportsFullNames() {
        QueryRequest r = form("BgpOptions.PeerAsn=65001&BgpOptions.PeerLivenessDetection=bfd");
        QueryRequest bgp = r.struct("BgpOptions");

        assertEquals(65001L, bgp.requiredLong("PeerAsn", 1, 4294967295L));
        assertEquals("bfd", bgp.string("PeerLivenessDetection"));
        assertEquals("The request must contain the parameter BgpOptions.Missing",
                refused(() -> bgp.required("Missing")).getMessage());
    }

    @Test
    void structListFollowsNumericOrderWithGaps() {
        QueryRequest r = form("Route.10.Prefix=c&Route.2.Prefix=b&Route.1.Prefix=a&Route.1.Med=5");

        List<QueryRequest> routes = r.structList("Route");

        assertEquals(List.of("a", "b", "c"), routes.stream().map(x -> x.string("Prefix")).toList());
        assertEquals("Route.10.Prefix", routes.get(2).name("Prefix"));
    }

    @Test
    void filtersCollectNamesAndValues() {
        QueryRequest r = form("Filter.2.Name=state&Filter.2.Value.1=available"
                + "&Filter.1.Name=tag%3Aenv&Filter.1.Value.2=dev&Filter.1.Value.1=prod");

        assertEquals(List.of(new Filter("tag:env", List.of("prod", "dev")), new Filter("state", List.of("available"))),
                r.filters());
        assertEquals("The request must contain the parameter Filter.1.Name",
                refused(() -> form("Filter.1.Value.1=x").filters()).getMessage());
    }

    @Test
    void tagsWithoutValueGetTheEmptyValue() {
        QueryRequest r = form("Tag.1.Key=Name&Tag.1.Value=edge&Tag.2.Key=flag");

        assertEquals(Map.of("Name", "edge", "flag", ""), r.tags("Tag"));
    }

    @Test
    void reservedDuplicateOrOverlongTagKeysAreRefused() {
        assertTrue(refused(() -> form("Tag.1.Key=aws:owner").tags("Tag")).getMessage().contains("reserved"));
        assertTrue(refused(() -> form("Tag.1.Key=a&Tag.2.Key=a").tags("Tag")).getMessage().contains("twice"));
        assertEquals("Tag.1.Key", refused(() -> form("Tag.1.Key=" + "k".repeat(128)).tags("Tag")).getMessage()
                .replaceAll(".*parameter (\\S+) is invalid.*", "$1"));
    }

    @Test
    void creationTagsMustBeForTheCreatedResourceType() {
        QueryRequest right = form("TagSpecification.1.ResourceType=route-server&TagSpecification.1.Tag.1.Key=Name"
                + "&TagSpecification.1.Tag.1.Value=rs-a");
        QueryRequest wrong = form("TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name");

        assertEquals(Map.of("Name", "rs-a"), right.creationTags("route-server"));
        assertEquals(List.of(new TagSpecification("route-server", Map.of("Name", "rs-a"))), right.tagSpecifications());
        Ec2Exception e = refused(() -> wrong.creationTags("route-server"));
        assertEquals("InvalidParameterValue", e.code());
        assertTrue(e.getMessage().contains("TagSpecification.1.ResourceType"), e.getMessage());
        assertEquals(Map.of(), form("Action=CreateRouteServer").creationTags("route-server"));
    }

    @Test
    void dryRunStopsTheCallWithDryRunOperation() {
        Ec2Exception e = refused(() -> form("DryRun=true").checkDryRun());

        assertEquals("DryRunOperation", e.code());
        assertEquals(412, e.httpStatus());
        assertEquals("Request would have succeeded, but DryRun flag is set.", e.getMessage());
        form("DryRun=false").checkDryRun();
        assertFalse(form("Action=X").dryRun());
    }

    @Test
    void fingerprintIgnoresTokenAuthenticationAndDryRunButNotTheCall() {
        String call = form("Action=CreateRouteServer&AmazonSideAsn=65000&ClientToken=a").fingerprint();

        assertEquals(call, form("Action=CreateRouteServer&AmazonSideAsn=65000&ClientToken=b&Version=x"
                + "&X-Amz-Date=20250101T000000Z").fingerprint());
        assertFalse(call.equals(form("Action=CreateRouteServer&AmazonSideAsn=65001&ClientToken=a").fingerprint()));
    }
}
