package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * How the serving layer reaches the model's storage. KServe takes credentials from a service account whose Secrets
 * carry them (annotated with the S3 endpoint and region, as KServe documents); Triton reads them from its
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION for s3://) or, for gs://, from a
 * credentials file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelStorage {
  @Size(min = 1, max = 253)
  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @JsonPropertyDescription("ServiceAccount the serving pods run as, in the ModelVersion's namespace. kserve: the"
      + " InferenceService's predictor uses it, and KServe gives the storage initializer the credentials of the Secrets it"
      + " lists. triton: the Deployment's pods run as it (for workload identity such as IRSA or GKE Workload Identity).")
  public String serviceAccountName;

  @JsonPropertyDescription("triton only: a Secret in the ModelVersion's namespace whose keys become Triton's environment"
      + " (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION for s3://) and which is mounted at"
      + " /var/run/secrets/slipstream/model-storage; for gs:// Triton reads its gcloud-application-credentials.json key.")
  public ObjectReference secretRef;
}
