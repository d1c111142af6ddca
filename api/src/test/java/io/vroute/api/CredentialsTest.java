package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    @TempDir
    Path dataDir;

    @Test
    void firstStartWritesAnAwsLookingKeyPairOnlyTheOwnerCanRead() throws IOException {
        Credentials credentials = Credentials.loadOrCreate(dataDir.resolve("state"));

        assertTrue(credentials.created());
        assertTrue(credentials.accessKeyId().matches("AKIA[A-Z0-9]{16}"), credentials.accessKeyId());
        assertTrue(credentials.secretAccessKey().matches("[A-Za-z0-9+/]{40}"), credentials.secretAccessKey());
        Path file = dataDir.resolve("state/credentials");
        assertEquals(file, credentials.file());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = Files.readString(file);
        assertTrue(text.contains("[vroute]\naws_access_key_id = " + credentials.accessKeyId() + "\n"
                + "aws_secret_access_key = " + credentials.secretAccessKey() + "\n"), text);
        assertFalse(credentials.toString().contains(credentials.secretAccessKey()), "the secret never reaches a log");
    }

    @Test
    void laterStartsReadTheSamePair() throws IOException {
        Credentials first = Credentials.loadOrCreate(dataDir);

        Credentials again = Credentials.loadOrCreate(dataDir);

        assertFalse(again.created());
        assertEquals(first.accessKeyId(), again.accessKeyId());
        assertEquals(first.secretAccessKey(), again.secretAccessKey());
    }

    @Test
    void handEditedFileWithOtherProfilesIsRead() throws IOException {
        Files.writeString(dataDir.resolve("credentials"), """
                [default]
                aws_access_key_id = AKIADEFAULT000000000
                aws_secret_access_key = not-this-one

                [ vroute ]
                aws_secret_access_key=secret-of-vroute
                aws_access_key_id=AKIAVROUTE0000000000
                """);

        Credentials credentials = Credentials.loadOrCreate(dataDir);

        assertEquals(Map.of("AKIAVROUTE0000000000", "secret-of-vroute"), credentials.keys());
    }

    @Test
    void fileWithoutTheVrouteProfileIsRefusedWithWhatToDo() throws IOException {
        Files.writeString(dataDir.resolve("credentials"), "[default]\naws_access_key_id = AKIAX\n");

        IOException e = assertThrows(IOException.class, () -> Credentials.loadOrCreate(dataDir));

        assertTrue(e.getMessage().contains("[vroute]") && e.getMessage().contains("move the file away"), e.getMessage());
    }

    @Test
    void theSdkSignedWithThePairIsServed() throws IOException {
        Credentials credentials = Credentials.loadOrCreate(dataDir);
        try (ApiUnderTest api = new ApiUnderTest(credentials.authenticator(),
                Map.of("DescribeVpcs", AwsSdkTest::describeVpcs), e -> null)) {
            assertEquals(23, api.client(credentials.accessKeyId(), credentials.secretAccessKey()).describeVpcs()
                    .vpcs().size());
            var refused = assertThrows(software.amazon.awssdk.services.ec2.model.Ec2Exception.class,
                    () -> api.client("AKIAUNKNOWN000000000", credentials.secretAccessKey()).describeVpcs());
            assertTrue(refused.awsErrorDetails().errorMessage().contains(credentials.file().toString()),
                    "the message points at the credentials file: " + refused.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void howToUseNamesTheFileTheProfileAndTheEndpoint() throws IOException {
        Credentials credentials = Credentials.loadOrCreate(dataDir);

        assertEquals("AWS_SHARED_CREDENTIALS_FILE=" + credentials.file().toAbsolutePath() + " AWS_PROFILE=vroute aws ec2 "
                + "describe-route-servers --region us-east-1 --endpoint-url http://127.0.0.1:8787",
                credentials.howToUse("http://127.0.0.1:8787"));
    }
}
