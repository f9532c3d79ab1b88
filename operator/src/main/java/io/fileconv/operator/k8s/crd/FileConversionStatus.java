package io.fileconv.operator.k8s.crd;

/** Observed state of a conversion: phase, the Job that ran it, its duration and failure class. */
public class FileConversionStatus extends ProgressStatus {
    private FileConversionPhase phase;
    private String jobName;
    /** Human-readable run time ({@code 4s}, {@code 1m12s}) for the DURATION column. */
    private String duration;
    private Long durationMillis;
    private String failureClass;
    /** Pooled mode: the converter pod that holds (or held) the file. */
    private String podName;
    /** Pooled mode: the lease of the pod converting it now, so a new leader can take it over. */
    private String leaseId;
    /** Pooled mode: how often a pod converting it was lost (the attempt budget counts these). */
    private Integer leaseLosses;

    public FileConversionPhase getPhase() {
        return phase;
    }

    public void setPhase(FileConversionPhase phase) {
        this.phase = phase;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getDuration() {
        return duration;
    }

    public void setDuration(String duration) {
        this.duration = duration;
    }

    public Long getDurationMillis() {
        return durationMillis;
    }

    public void setDurationMillis(Long durationMillis) {
        this.durationMillis = durationMillis;
    }

    public String getFailureClass() {
        return failureClass;
    }

    public void setFailureClass(String failureClass) {
        this.failureClass = failureClass;
    }

    public String getPodName() {
        return podName;
    }

    public void setPodName(String podName) {
        this.podName = podName;
    }

    public String getLeaseId() {
        return leaseId;
    }

    public void setLeaseId(String leaseId) {
        this.leaseId = leaseId;
    }

    public Integer getLeaseLosses() {
        return leaseLosses;
    }

    public void setLeaseLosses(Integer leaseLosses) {
        this.leaseLosses = leaseLosses;
    }
}
