package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A failed transfer's reason (shown to the user) is our sentence; the client library's message is not in it. */
class PresignedTransfersTest {
    @TempDir
    Path dir;

    @Test
    void storageFailuresCarryOurReasonNotTheHttpClientsMessage() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // closed again below: nothing listens there
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/bucket/user/file/input?X-Amz-Signature=abc");
        PresignedTransfers transfers = new PresignedTransfers(PresignedTransfers.defaultClient(), 1 << 20,
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> transfers.download(nowhere, dir.resolve("in"))).isInstanceOfSatisfying(
                ConversionFailure.class, f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.STORAGE_ERROR);
                    assertThat(f.getMessage()).isEqualTo("could not read the upload from storage");
                });
        Path pdf = Files.writeString(dir.resolve("out.pdf"), "%PDF-1.7");
        assertThatThrownBy(() -> transfers.upload(pdf, nowhere)).isInstanceOfSatisfying(ConversionFailure.class,
                f -> assertThat(f.getMessage()).isEqualTo("could not write the PDF to storage"));
    }
}
