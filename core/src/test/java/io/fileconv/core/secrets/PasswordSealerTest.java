package io.fileconv.core.secrets;

import io.fileconv.core.Env;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordSealerTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void sealsWithoutThePlainTextAndOpensForTheSameFileOnly() {
        PasswordSealer sealer = new PasswordSealer(KEY);
        byte[] sealed = sealer.seal("file-1", "hunter2-Pässwort");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
        assertThat(sealer.seal("file-1", "hunter2-Pässwort")).isNotEqualTo(sealed); // a fresh IV each time
        assertThat(sealer.open("file-1", sealed)).hasValue("hunter2-Pässwort");
        assertThat(sealer.open("file-2", sealed)).as("moved to another file's row").isEmpty();
    }

    @Test
    void anotherKeyOrDamagedBytesOpenNothing() {
        byte[] sealed = new PasswordSealer(KEY).seal("f", "pw");
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThat(new PasswordSealer(other).open("f", sealed)).isEmpty();
        sealed[sealed.length - 1] ^= 1;
        assertThat(new PasswordSealer(KEY).open("f", sealed)).isEmpty();
        assertThat(new PasswordSealer(KEY).open("f", new byte[3])).isEmpty();
    }

    @Test
    void theKeyComesFromTheEnvironmentAsBase64Of32Bytes() {
        String b64 = Base64.getEncoder().encodeToString(KEY);
        PasswordSealer fromEnv = PasswordSealer.fromEnv(new Env(Map.of(PasswordSealer.KEY_VARIABLE, b64)));
        assertThat(new PasswordSealer(KEY).open("f", fromEnv.seal("f", "pw"))).hasValue("pw");
        assertThatThrownBy(() -> PasswordSealer.fromEnv(new Env(Map.of(PasswordSealer.KEY_VARIABLE,
                Base64.getEncoder().encodeToString(new byte[16]))))).hasMessageContaining("32 bytes");
        PasswordSealer random = PasswordSealer.fromEnv(new Env(Map.of()));
        assertThat(random.open("f", random.seal("f", "pw"))).hasValue("pw");
    }
}
