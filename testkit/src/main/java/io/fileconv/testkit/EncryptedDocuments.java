package io.fileconv.testkit;

import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;

/** Password-protected Office documents as Word writes them (agile encryption in an OLE2 container), built in memory. */
public final class EncryptedDocuments {
    private EncryptedDocuments() {
    }

    /** The project's sample docx, encrypted with {@code password}; its sentence is the sample's. */
    public static SampleDocuments.Doc docx(String password) throws IOException {
        SampleDocuments.Doc plain = SampleDocuments.docx();
        return new SampleDocuments.Doc("secret.docx", encrypt(plain.bytes(), password), plain.sentence());
    }

    public static byte[] encrypt(byte[] ooxml, String password) throws IOException {
        try (POIFSFileSystem fs = new POIFSFileSystem()) {
            Encryptor encryptor = new EncryptionInfo(EncryptionMode.agile).getEncryptor();
            encryptor.confirmPassword(password);
            try (OutputStream os = encryptor.getDataStream(fs)) {
                os.write(ooxml);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            fs.writeFilesystem(out);
            return out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IOException("could not encrypt the document", e);
        }
    }
}
