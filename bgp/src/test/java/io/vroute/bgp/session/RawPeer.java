package io.vroute.bgp.session;

import io.vroute.bgp.wire.BgpMessage;
import io.vroute.bgp.wire.BgpProtocolException;
import io.vroute.bgp.wire.Capability;
import io.vroute.bgp.wire.MessageDecoder;
import io.vroute.bgp.wire.MessageEncoder;
import io.vroute.bgp.wire.OpenMessage;
import io.vroute.bgp.wire.SessionContext;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

/** A hand-driven BGP peer on a plain socket: sends exactly what a test says, reads what the speaker sends. */
final class RawPeer implements AutoCloseable {
    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final MessageDecoder decoder = new MessageDecoder(SessionContext.FOUR_OCTET);
    SessionContext context = SessionContext.FOUR_OCTET;

    RawPeer(String localAddress, InetSocketAddress speaker) throws IOException {
        socket = new Socket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(speaker, 2000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A connection the speaker made to us (we accepted it). */
    RawPeer(Socket accepted) throws IOException {
        socket = accepted;
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static OpenMessage open(long asn, int holdTime, String routerId, Capability... extra) throws IOException {
        byte[] id = InetAddress.getByName(routerId).getAddress();
        int bgpId = ((id[0] & 0xFF) << 24) | ((id[1] & 0xFF) << 16) | ((id[2] & 0xFF) << 8) | (id[3] & 0xFF);
        List<Capability> caps = new java.util.ArrayList<>(List.of(
                new Capability.Multiprotocol(io.vroute.bgp.wire.AddressFamily.IPV4_UNICAST),
                new Capability.FourOctetAs(asn)));
        caps.addAll(List.of(extra));
        return OpenMessage.of(asn, holdTime, bgpId, caps);
    }

    void send(BgpMessage m) throws IOException {
        out.write(MessageEncoder.encode(m, context));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next message, or null when the speaker closed the connection. */
    BgpMessage read() throws IOException {
        byte[] header = new byte[BgpMessage.HEADER_LENGTH];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        int len = ((header[16] & 0xFF) << 8) | (header[17] & 0xFF);
        byte[] whole = new byte[len];
        System.arraycopy(header, 0, whole, 0, header.length);
        in.readFully(whole, header.length, len - header.length);
        try {
            return decoder.decode(whole, 0, len);
        } catch (BgpProtocolException e) {
            throw new IOException("speaker sent a malformed message: " + e.getMessage(), e);
        }
    }

    /** Reads until a message of {@code type} arrives; fails on close or timeout. */
    <T extends BgpMessage> T await(Class<T> type) throws IOException {
        while (true) {
            BgpMessage m;
            try {
                m = read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no " + type.getSimpleName() + " within the socket timeout");
            }
            if (m == null) throw new AssertionError("connection closed while waiting for " + type.getSimpleName());
            if (type.isInstance(m)) return type.cast(m);
        }
    }

    /** OPEN, then KEEPALIVE, and wait for the speaker's OPEN and KEEPALIVE: the session is Established. */
    OpenMessage establish(OpenMessage ours) throws IOException {
        send(ours);
        OpenMessage theirs = await(OpenMessage.class);
        send(io.vroute.bgp.wire.KeepaliveMessage.INSTANCE);
        await(io.vroute.bgp.wire.KeepaliveMessage.class);
        return theirs;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
