package io.fileconv.core.secrets;

import io.fileconv.core.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals an upload's document password (AES-256-GCM, the file id as associated data so a sealed value cannot be
 * moved to another file's row). The key is FILECONV_PASSWORD_KEY (base64 of 32 bytes), which the API (sealing) and
 * the operator (opening, for the work item) must share. Without it a random key of this process is used: enough for
 * the embedded stack (one JVM), while in a cluster the operator then cannot open what the API sealed and such a file
 * ends FAILED with class password.
 */
public final class PasswordSealer {
    public static final String KEY_VARIABLE = "FILECONV_PASSWORD_KEY";
    private static final Logger LOG = LoggerFactory.getLogger(PasswordSealer.class);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile PasswordSealer process;

    private final SecretKeySpec key;

    public PasswordSealer(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException(KEY_VARIABLE + " must be the base64 of 32 bytes, got " + key.length);
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
    }

    /** The sealer of this process, from FILECONV_PASSWORD_KEY (read once). */
    public static PasswordSealer ofProcess() {
        PasswordSealer s = process;
        if (s == null) {
            synchronized (PasswordSealer.class) {
                if (process == null) {
                    process = fromEnv(Env.system());
                }
                s = process;
            }
        }
        return s;
    }

    static PasswordSealer fromEnv(Env env) {
        String b64 = env.get(KEY_VARIABLE, null);
        if (b64 != null && !b64.isBlank()) {
            return new PasswordSealer(Base64.getDecoder().decode(b64.trim()));
        }
        LOG.warn("{} is not set: document passwords are sealed with a key of this process only", KEY_VARIABLE);
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return new PasswordSealer(k);
    }

    public byte[] seal(String fileId, String password) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher c = cipher(Cipher.ENCRYPT_MODE, iv, fileId);
            byte[] sealed = c.doFinal(password.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Empty when the value was sealed with another key (or for another file): the password is then unknown. */
    public Optional<String> open(String fileId, byte[] sealed) {
        if (sealed == null || sealed.length <= IV_BYTES) {
            return Optional.empty();
        }
        try {
            byte[] iv = Arrays.copyOf(sealed, IV_BYTES);
            Cipher c = cipher(Cipher.DECRYPT_MODE, iv, fileId);
            byte[] plain = c.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            LOG.warn("the sealed password of file {} does not open with this process's key", fileId);
            return Optional.empty();
        }
    }

    private Cipher cipher(int mode, byte[] iv, String fileId) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        c.updateAAD(fileId.getBytes(StandardCharsets.UTF_8));
        return c;
    }
}
