package io.fileconv.operator.k8s.crd;

import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What to convert. Everything but {@code cancel} is fixed at creation; the region keeps input and PDF in one bucket. */
@ValidationRule(value = "self.output.bucket == self.input.bucket",
        message = "output must be in the input's bucket (a region keeps a file and its PDF together)")
public class FileConversionSpec {
    @Required
    @Pattern("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    private String fileId;
    @Required
    private String userId;
    @Required
    @Pattern("^(in|us|uk)$")
    private String region;
    @Required
    private S3Location input;
    @Required
    private S3Location output;
    @Required
    @Min(1)
    private int attempt;
    private String detectedType;
    private String requestId;
    /** Set by the dispatcher when the file was cancelled; the reconciler deletes the Job. */
    private boolean cancel;
    private ConversionOptions options;

    public String getFileId() {
        return fileId;
    }

    public void setFileId(String fileId) {
        this.fileId = fileId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public S3Location getInput() {
        return input;
    }

    public void setInput(S3Location input) {
        this.input = input;
    }

    public S3Location getOutput() {
        return output;
    }

    public void setOutput(S3Location output) {
        this.output = output;
    }

    public int getAttempt() {
        return attempt;
    }

    public void setAttempt(int attempt) {
        this.attempt = attempt;
    }

    public String getDetectedType() {
        return detectedType;
    }

    public void setDetectedType(String detectedType) {
        this.detectedType = detectedType;
    }

    public String getRequestId() {
        return requestId;
    }

    public void setRequestId(String requestId) {
        this.requestId = requestId;
    }

    public boolean isCancel() {
        return cancel;
    }

    public void setCancel(boolean cancel) {
        this.cancel = cancel;
    }

    public ConversionOptions getOptions() {
        return options;
    }

    public void setOptions(ConversionOptions options) {
        this.options = options;
    }
}
