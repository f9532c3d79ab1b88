package io.fileconv.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MySQL Connector/J reads its trusted CAs from a Java key store only ({@code trustCertificateKeyStoreType} JKS or
 * PKCS12; Java 17 has no PEM key store), while Kubernetes Secrets, cert-manager and cloud providers (the RDS bundle)
 * hand out PEM. This turns a PEM file of one or more CA certificates into a PKCS12 trust store in a temporary file,
 * once at start. It holds public certificates only, so its password protects nothing and is a constant.
 */
public final class PemTrustStore {
    /** Not a secret: the store holds public CA certificates; PKCS12 merely requires a password for its MAC. */
    public static final String PASSWORD = "fileconv-public-cas";

    private PemTrustStore() {
    }

    private static final Map<Path, Path> CONVERTED = new ConcurrentHashMap<>();

    /**
     * @param setting the variable that named the file, for the error message
     * @return the PKCS12 file; one per PEM file and process (every pool of a process shares it)
     */
    public static Path toPkcs12(String setting, Path pem) {
        Path key = pem.toAbsolutePath().normalize();
        Path done = CONVERTED.get(key);
        if (done != null) {
            return done;
        }
        Path out = convert(setting, pem);
        CONVERTED.put(key, out);
        return out;
    }

    private static Path convert(String setting, Path pem) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(setting + " " + pem + " is not a readable PEM file of CA certificates: "
                    + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalStateException(setting + " " + pem + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            Path out = Files.createTempFile("fileconv-db-ca-", ".p12");
            out.toFile().deleteOnExit();
            try (OutputStream os = Files.newOutputStream(out)) {
                store.store(os, PASSWORD.toCharArray());
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the trust store for " + setting + ": " + e.getMessage(), e);
        }
    }
}
