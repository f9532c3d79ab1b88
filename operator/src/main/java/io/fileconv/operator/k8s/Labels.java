package io.fileconv.operator.k8s;

/** Label keys shared by FileConversions, converter Jobs and their pods (a NetworkPolicy selects on NAME). */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String CONVERTER = "fileconv-converter";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "fileconv-operator";
    public static final String FILE_ID = "fileconv.io/file-id";
    public static final String ATTEMPT = "fileconv.io/attempt";
    public static final String REGION = "fileconv.io/region";
    /** On pooled converter Jobs, their pods and their token Secrets. */
    public static final String POOL = "fileconv.io/pool";
    /** On a pooled Job's token Secret: the Job it belongs to. */
    public static final String CONVERTER_JOB = "fileconv.io/converter-job";
    /** On the operator pod that leads: the work Service selects it, so converter pods reach the leader. */
    public static final String WORK_LEADER = "fileconv.io/work-leader";
    /** Set on a Job's pods by the Job controller (Kubernetes 1.27+). */
    public static final String JOB_NAME = "batch.kubernetes.io/job-name";

    private Labels() {
    }
}
