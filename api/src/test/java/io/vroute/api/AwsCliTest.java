package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AWS CLI (v1 here, written in Python on botocore: a second, independent client) against vroute. */
class AwsCliTest {
    private static Path aws;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void findAws() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "aws");
            if (Files.isExecutable(candidate)) {
                aws = candidate;
                return;
            }
        }
    }

    record Run(int exit, String out, String err) {}

    private Run aws(Map<String, String> env, String... args) throws IOException, InterruptedException {
        assumeTrue(aws != null, "the AWS CLI (aws) is not on the PATH");
        List<String> command = new ArrayList<>(List.of(aws.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(name -> name.startsWith("AWS_"));
        environment.put("AWS_CONFIG_FILE", dataDir.resolve("no-config").toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", dataDir.resolve("no-credentials").toString());
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.put("AWS_MAX_ATTEMPTS", "1");
        environment.putAll(env);
        Path out = dataDir.resolve("out.txt");
        Path err = dataDir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("aws " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void describeVpcsWithEnvironmentCredentialsFollowsPagesAndFilters() throws Exception {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Run run = aws(Map.of("AWS_ACCESS_KEY_ID", ApiUnderTest.KEY_ID, "AWS_SECRET_ACCESS_KEY", ApiUnderTest.SECRET),
                    "ec2", "describe-vpcs", "--endpoint-url", api.server.endpoint(), "--region", "us-east-1",
                    "--filters", "Name=tag:env,Values=prod", "--page-size", "5",
                    "--query", "Vpcs[].VpcId", "--output", "text");

            assertEquals(0, run.exit(), run.err());
            List<String> ids = List.of(run.out().trim().split("\\s+"));
            assertEquals(AwsSdkTest.NETS.stream().filter(n -> n.tags().get("env").equals("prod")).map(AwsSdkTest.Net::id)
                    .toList(), ids);
        }
    }

    @Test
    void credentialsFileVrouteWritesIsUsableAsAnAwsProfile() throws Exception {
        Credentials credentials = Credentials.loadOrCreate(dataDir);
        Action create = (r, w) -> w.start("routeServer")
                .element("routeServerId", "rs-0123456789abcdef0")
                .element("amazonSideAsn", r.requiredLong("AmazonSideAsn", 1, 4294967295L))
                .tags("tagSet", r.creationTags("route-server"))
                .end();
        try (ApiUnderTest api = new ApiUnderTest(credentials.authenticator(), Map.of("CreateRouteServer", create),
                e -> null)) {
            Run run = aws(Map.of("AWS_SHARED_CREDENTIALS_FILE", credentials.file().toString(), "AWS_PROFILE", "vroute"),
                    "ec2", "create-route-server", "--endpoint-url", api.server.endpoint(), "--region", "us-east-1",
                    "--amazon-side-asn", "65000",
                    "--tag-specifications", "ResourceType=route-server,Tags=[{Key=Name,Value=edge}]",
                    "--query", "RouteServer.[RouteServerId,AmazonSideAsn,Tags[0].Value]", "--output", "text");

            assertEquals(0, run.exit(), run.err());
            assertEquals(List.of("rs-0123456789abcdef0", "65000", "edge"), List.of(run.out().trim().split("\\s+")));
        }
    }

    @Test
    void wrongSecretIsReportedByTheCliAsAuthFailure() throws Exception {
        try (ApiUnderTest api = new ApiUnderTest(Map.of("DescribeVpcs", AwsSdkTest::describeVpcs))) {
            Run run = aws(Map.of("AWS_ACCESS_KEY_ID", ApiUnderTest.KEY_ID, "AWS_SECRET_ACCESS_KEY", "wrong"),
                    "ec2", "describe-vpcs", "--endpoint-url", api.server.endpoint(), "--region", "us-east-1");

            assertTrue(run.exit() != 0, run.out());
            assertTrue(run.err().contains("AuthFailure"), run.err());
        }
    }
}
