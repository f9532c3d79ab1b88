package io.fileconv.operator.k8s.crd;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Which user moves where. Immutable: a different move is a different RegionMigration. */
@ValidationRule(value = "self.from != self.to", message = "from and to must be different regions")
@ValidationRule(value = "self == oldSelf", message = "a RegionMigration's spec is immutable")
public class RegionMigrationSpec {
    @Required
    private String userId;
    @Required
    @Pattern("^(in|us|uk)$")
    private String from;
    @Required
    @Pattern("^(in|us|uk)$")
    private String to;

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }
}
