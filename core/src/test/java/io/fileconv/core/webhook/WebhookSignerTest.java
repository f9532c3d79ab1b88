package io.fileconv.core.webhook;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignerTest {

    /** The example of the Standard Webhooks reference libraries (secret, id, timestamp, payload, signature). */
    @Test
    void matchesTheStandardWebhooksReferenceExample() {
        String signature = WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsIdTimestampAndBodyWithTheDecodedSecret() throws Exception {
        String secret = WebhookSigner.newSecret();
        String body = "{\"type\":\"file.converted\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal(("f.1.converted.1700000000." + body).getBytes(StandardCharsets.UTF_8)));
        assertThat(WebhookSigner.sign(secret, "f.1.converted", 1700000000L, body)).isEqualTo(expected);
    }

    @Test
    void newSecretsAreWhsecWith32RandomBytes() {
        String a = WebhookSigner.newSecret();
        assertThat(a).startsWith("whsec_").isNotEqualTo(WebhookSigner.newSecret());
        assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
    }

    @Test
    void refusesASecretWithoutThePrefix() {
        assertThatThrownBy(() -> WebhookSigner.sign("c2VjcmV0", "id", 1, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
