package dev.slipstream.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A reference by name to an object in the same namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectReference {
  @Required
  @Size(min = 1, max = 253)
  @Pattern(ApiGroup.OBJECT_NAME_PATTERN)
  @JsonPropertyDescription("Name of the referenced object, in the same namespace.")
  public String name;

  public ObjectReference() {}

  public ObjectReference(String name) {
    this.name = name;
  }
}
