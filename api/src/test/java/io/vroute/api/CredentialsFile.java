package io.vroute.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the key pair of profile vroute from a shared-credentials file, as the AWS CLI would. */
final class CredentialsFile {
    private CredentialsFile() {
    }

    static String[] read(Path file) {
        String id = null, secret = null;
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.split("=", 2);
                if (kv.length != 2) continue;
                if (kv[0].trim().equals("aws_access_key_id")) id = kv[1].trim();
                if (kv[0].trim().equals("aws_secret_access_key")) secret = kv[1].trim();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String[] {id, secret};
    }
}
