package io.fileconv.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fileconv.core.Region;
import io.fileconv.testkit.ApiClient;
import io.fileconv.testkit.RawHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed multipart uploads sent as raw bytes over HTTP: each answers 400 with a problem of its own type and our
 * own words (no parser text), and writes nothing. Before, control bytes in a part header answered 500.
 */
@ExtendWith(ApiUnderTest.class)
class MalformedUploadTest {
    static final String USER = "malformed-client";
    static final String DOC = "a plain text document\n";
    static TestApi server;
    static String token;

    @BeforeAll
    static void setUp(TestApi s) throws Exception {
        server = s;
        token = new ApiClient(s.baseUrl()).token(USER, "in");
    }

    static String filePart(String boundary, String headers, String content) {
        return "--" + boundary + "\r\n" + headers + "\r\n\r\n" + content + "\r\n";
    }

    static String fileHeaders(String fileName) {
        return "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\nContent-Type: text/plain";
    }

    static Stream<Arguments> malformed() {
        String ok = filePart("B", fileHeaders("a.txt"), DOC);
        return Stream.of(
                Arguments.of("control byte in the file name", "boundary=B",
                        filePart("B", fileHeaders("a\u0001b.txt"), DOC) + "--B--\r\n", "bad-multipart"),
                Arguments.of("NUL and ESC in another part header", "boundary=B",
                        filePart("B", fileHeaders("a.txt") + "\r\nX-Note: a\u0000b\u001b[2J", DOC) + "--B--\r\n",
                        "bad-multipart"),
                Arguments.of("part header line without a name", "boundary=B",
                        filePart("B", fileHeaders("a.txt") + "\r\n\u0007\u0008 junk", DOC) + "--B--\r\n",
                        "bad-multipart"),
                Arguments.of("body boundary differs from the declared one", "boundary=B",
                        filePart("OTHER", fileHeaders("a.txt"), DOC) + "--OTHER--\r\n", "bad-multipart"),
                Arguments.of("no closing boundary", "boundary=B", ok, "bad-multipart"),
                Arguments.of("truncated inside the part headers", "boundary=B",
                        "--B\r\nContent-Disposition: form-data; na", "bad-multipart"),
                Arguments.of("no boundary parameter", "charset=utf-8", ok + "--B--\r\n", "bad-multipart"),
                Arguments.of("part without headers", "boundary=B", "--B\r\n\r\n" + DOC + "\r\n--B--\r\n",
                        "bad-multipart"),
                Arguments.of("empty body", "boundary=B", "", "bad-multipart"),
                Arguments.of("JSON body", "boundary=B", "{\"file\":\"a.txt\"}", "bad-multipart"),
                Arguments.of("part headers longer than the parser allows", "boundary=B",
                        filePart("B", fileHeaders("a.txt") + "\r\nX-Long: " + "h".repeat(40_000), DOC) + "--B--\r\n",
                        "bad-multipart"),
                Arguments.of("two file parts of one field", "boundary=B", ok + ok + "--B--\r\n", "multiple-files"),
                Arguments.of("two file parts of two fields", "boundary=B",
                        ok + filePart("B", "Content-Disposition: form-data; name=\"other\"; filename=\"b.txt\"", DOC)
                                + "--B--\r\n", "multiple-files"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMultipartIs400WithAClearProblemAndWritesNothing(String name, String params, String body,
                                                                  String slug) throws Exception {
        long rowsBefore = rows();
        RawHttp.Response r = RawHttp.send(RawHttp.port(server.baseUrl()), RawHttp.upload(token,
                "multipart/form-data; " + params, body.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(r.status()).as("%s: %s", name, r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = ApiClient.json(r.body());
        assertThat(problem.get("type").asText()).isEqualTo("https://fileconv.io/problems/" + slug);
        assertThat(problem.get("detail").asText()).doesNotContainIgnoringCase("jetty")
                .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("servlet");
        assertThat(rows()).isEqualTo(rowsBefore);
        assertThat(server.objectStore().client().listObjectsV2(b -> b.bucket(Region.IN.defaultBucket())
                .prefix(USER + "/")).contents()).isEmpty();
    }

    static long rows() throws Exception {
        return server.files(Region.IN).listOwned(USER, null, null, 100).size();
    }
}
