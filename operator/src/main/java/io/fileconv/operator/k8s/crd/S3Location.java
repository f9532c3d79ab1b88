package io.fileconv.operator.k8s.crd;

import io.fabric8.generator.annotation.Required;

/** An object in S3: the converter's input or its PDF output. */
public class S3Location {
    @Required
    private String bucket;
    @Required
    private String key;

    public S3Location() {
    }

    public S3Location(String bucket, String key) {
        this.bucket = bucket;
        this.key = key;
    }

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }
}
