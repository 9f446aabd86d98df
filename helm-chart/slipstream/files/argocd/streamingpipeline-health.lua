-- ArgoCD health of a slipstream.dev StreamingPipeline, from the conditions the operator writes.
-- Healthy: Ready and nothing degraded. Progressing: provisioning, a rollout under way, or a spec not
-- yet observed. Suspended: a rollout paused (spec.rollout.paused) or awaiting a person's approval. Degraded: a spec that cannot be applied,
-- a failed part, an automatic rollback in force, or a ShedPolicy level above normal.
local hs = {}
local function condition(conditions, kind)
  for _, c in ipairs(conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

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

local ready = condition(obj.status.conditions, "Ready")
local progressing = condition(obj.status.conditions, "Progressing")
local degraded = condition(obj.status.conditions, "Degraded")

if ready ~= nil and ready.status == "False" then
  -- Failed (a part failed) and Degraded (Kafka unreachable) are not waits that end by themselves
  if ready.reason == "InvalidSpec" or obj.status.phase == "Failed" or obj.status.phase == "Degraded" then
    hs.status = "Degraded"
  else
    hs.status = "Progressing"
  end
  hs.message = (ready.reason or "NotReady") .. ": " .. (ready.message or "")
  return hs
end
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = (degraded.reason or "Degraded") .. ": " .. (degraded.message or "")
  return hs
end
if progressing ~= nil and progressing.status == "True" then
  -- ArgoCD's convention for a rollout held on purpose
  local held = progressing.reason == "Paused" or progressing.reason == "AwaitingApproval"
  hs.status = held and "Suspended" or "Progressing"
  hs.message = "Rollout " .. (progressing.reason or "under way") .. ": " .. (progressing.message or "")
  return hs
end
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or "Ready"
  return hs
end
hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
