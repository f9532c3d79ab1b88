package io.fileconv.pipeline;

/** Work only the replica holding the Lease does: started when it starts leading, closed with the operator. */
public interface LeaderTask extends AutoCloseable {
    void start();

    @Override
    void close();
}
