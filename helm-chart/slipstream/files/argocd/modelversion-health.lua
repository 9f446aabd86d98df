-- ArgoCD health of a slipstream.dev ModelVersion: Healthy when valid (Ready), Degraded when its spec is
-- invalid, Progressing until the operator has looked at it. Whether serving is ready is each pipeline's health.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "The operator has not observed generation " .. obj.metadata.generation .. " yet"
  return hs
end
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Ready" then
    if c.status == "True" then
      hs.status = "Healthy"
    elseif c.reason == "InvalidSpec" then
      hs.status = "Degraded"
    else
      -- a reason this script does not know yet: not a failure it can name
      hs.status = "Progressing"
    end
    hs.message = (c.reason or "Ready") .. ": " .. (c.message or "")
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
