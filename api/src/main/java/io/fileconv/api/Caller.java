package io.fileconv.api;

/** The authenticated user of a request and the regional store that holds their files. */
public record Caller(String userId, RegionStore home) {
}
