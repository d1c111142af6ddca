package io.vroute.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vroute.server.Server;
import io.vroute.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** vroute's own client signs requests the API's SigV4 check accepts, and reports errors and absences clearly. */
class QueryClientTest {
    @TempDir
    Path dir;
    private Server server;
    private Ec2Api api;

    @BeforeEach
    void start() throws Exception {
        server = Server.start(ServerConfig.defaults(dir).withBgpPort(0));
        api = Ec2Api.start(server, new InetSocketAddress("127.0.0.1", 0), dir, true);
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
        if (server != null) server.close();
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + api.address().getPort() + "/");
    }

    @Test
    void signedCallsWorkAndErrorsCarryEc2Codes() throws Exception {
        QueryClient c = QueryClient.forDataDir(uri(), dir);
        Document vpc = c.call("CreateVpc", Map.of("CidrBlock", "10.0.0.0/16"));
        assertTrue(QueryClient.text(vpc, "vpcId").startsWith("vpc-"));
        QueryClient.Failure f = assertThrows(QueryClient.Failure.class, () -> c.call("CreateVpc", Map.of("CidrBlock", "10.0.0.0/7")));
        assertEquals("InvalidVpc.Range", f.code());
        assertEquals(400, f.status());
    }

    @Test
    void aWrongSecretIsRefused() {
        QueryClient c = new QueryClient(uri(), api.credentials().accessKeyId(), "not-the-secret", "us-east-1");
        QueryClient.Failure f = assertThrows(QueryClient.Failure.class, () -> c.call("DescribeVpcs", Map.of()));
        assertEquals("AuthFailure", f.code());
    }

    @Test
    void noDaemonAndNoCredentialsSayWhatToDo(@TempDir Path empty) {
        IOException e = assertThrows(IOException.class, () -> QueryClient.forDataDir(uri(), empty));
        assertTrue(e.getMessage().contains("start the daemon"), e.getMessage());
        QueryClient c = new QueryClient(URI.create("http://127.0.0.1:1/"), "a", "b", "us-east-1");
        IOException down = assertThrows(IOException.class, () -> c.call("DescribeVpcs", Map.of()));
        assertTrue(down.getMessage().contains("vroute serve"), down.getMessage());
    }
}
