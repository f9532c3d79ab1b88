package io.fileconv.core.schema;

/** The two kinds of schema fileconv owns, each with its own versioned migrations on the classpath. */
public enum SchemaKind {
    /** fileconv_<region>: files, consumer_offsets, upload_keys. */
    REGION("classpath:db/region"),
    /** fileconv_directory: the global user directory. */
    DIRECTORY("classpath:db/directory");

    private final String location;

    SchemaKind(String location) {
        this.location = location;
    }

    public String location() {
        return location;
    }
}
