package io.vroute.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's key pair, kept in {@code <data-dir>/credentials} in the AWS shared-credentials format under the
 * profile {@code [vroute]}, so the AWS CLI and SDKs read it as it is:
 * {@code AWS_SHARED_CREDENTIALS_FILE=<data-dir>/credentials AWS_PROFILE=vroute aws ec2 ...}.
 */
public final class Credentials {
    static final String FILE_NAME = "credentials";
    static final String PROFILE = "vroute";
    private static final System.Logger LOG = System.getLogger("vroute.api");
    private static final String KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final String accessKeyId;
    private final String secretAccessKey;
    private final Path file;
    private final boolean created;

    private Credentials(String accessKeyId, String secretAccessKey, Path file, boolean created) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.file = file;
        this.created = created;
    }

    /**
     * Reads the {@code [vroute]} profile of {@code <dataDir>/credentials}; when the file does not exist, makes a
     * new random key pair and writes it there, readable by its owner only.
     *
     * @throws IOException when the file cannot be read or written, or has no usable {@code [vroute]} profile
     *                     (the message says how to fix it)
     */
    public static Credentials loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return read(file);
        }
        Files.createDirectories(dataDir);
        SecureRandom random = new SecureRandom();
        StringBuilder keyId = new StringBuilder("AKIA");
        for (int i = 0; i < 16; i++) {
            keyId.append(KEY_ID_ALPHABET.charAt(random.nextInt(KEY_ID_ALPHABET.length())));
        }
        byte[] secretBytes = new byte[30]; // 30 bytes are exactly 40 base64 characters
        random.nextBytes(secretBytes);
        String secret = Base64.getEncoder().encodeToString(secretBytes);
        String text = "# vroute API key pair, made by vroute on first start. Use it with\n"
                + "#   AWS_SHARED_CREDENTIALS_FILE=" + file.toAbsolutePath() + " AWS_PROFILE=" + PROFILE
                + " aws ec2 ... --endpoint-url http://<api address>\n"
                + "# Delete this file and restart vroute to get a new pair.\n"
                + "[" + PROFILE + "]\n"
                + "aws_access_key_id = " + keyId + "\n"
                + "aws_secret_access_key = " + secret + "\n";
        writeOwnerOnly(file, text);
        return new Credentials(keyId.toString(), secret, file, true);
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** The credentials file. */
    public Path file() {
        return file;
    }

    /** True when {@link #loadOrCreate} made this pair just now (so the daemon should tell the user about it). */
    public boolean created() {
        return created;
    }

    /** The pair as {@link SigV4Authenticator} takes it: the secret by access key id. */
    public Map<String, String> keys() {
        return Map.of(accessKeyId, secretAccessKey);
    }

    /** A SigV4 authenticator that knows this pair (its error messages point at this file). */
    public Authenticator authenticator() {
        return new SigV4Authenticator(Map.of(accessKeyId, secretAccessKey), file.toAbsolutePath() + " (profile "
                + PROFILE + ")", Clock.systemUTC());
    }

    /** How to call the API at endpointUrl with this pair, ready to print. */
    public String howToUse(String endpointUrl) {
        return "AWS_SHARED_CREDENTIALS_FILE=" + file.toAbsolutePath() + " AWS_PROFILE=" + PROFILE
                + " aws ec2 describe-route-servers --region us-east-1 --endpoint-url " + endpointUrl;
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "Credentials[" + accessKeyId + " in " + file + "]";
    }

    private static Credentials read(Path file) throws IOException {
        warnIfOthersCanRead(file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String section = null;
        String keyId = null;
        String secret = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip();
                continue;
            }
            int eq = line.indexOf('=');
            if (PROFILE.equals(section) && eq > 0) {
                String name = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (name.equals("aws_access_key_id")) {
                    keyId = value;
                } else if (name.equals("aws_secret_access_key")) {
                    secret = value;
                }
            }
        }
        if (keyId == null || keyId.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IOException(file + " has no [" + PROFILE + "] profile with aws_access_key_id and "
                    + "aws_secret_access_key; add them, or move the file away and vroute writes a new key pair.");
        }
        return new Credentials(keyId, secret, file, false);
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(file.getParent(), ".credentials", ".tmp",
                        PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE)))
                : Files.createTempFile(file.getParent(), ".credentials", ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.log(System.Logger.Level.WARNING, "{0} can be read by other users; run chmod 600 {0}", file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // No POSIX modes here (or no access to them): nothing to warn about.
        }
    }
}
