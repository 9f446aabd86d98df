-- ArgoCD health of a slipstream.dev ShedPolicy: Healthy when its ladder is valid (Ready), Degraded when it is
-- not (an invalid policy is not applied; the pipelines on it stay at their level), Progressing until the operator
-- has validated the spec as it is now.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to validate the policy"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "The operator has not validated generation " .. obj.metadata.generation .. " yet"
  return hs
end
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Ready" then
    hs.status = c.status == "True" and "Healthy" or "Degraded"
    hs.message = (c.reason or "Ready") .. ": " .. (c.message or "")
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
