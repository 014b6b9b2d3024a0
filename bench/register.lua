-- POSTs the registration form with a new email address each time.
-- The CSRF secret goes in both the cookie and the form field, as a browser sends them.
local csrf = "benchbenchbenchbenchbenchbench12"
local threads_started = 0

function setup(thread)
  -- Sets the global "thread_id" inside that thread's own interpreter.
  thread:set("thread_id", threads_started)
  threads_started = threads_started + 1
end

local counter = 0
local run = "run"

function init(args)
  -- A name for this run, so that addresses never repeat across runs on one database.
  run = args[1] or run
end

function request()
  counter = counter + 1
  local email = string.format("%s-%d-%d@bench.example", run, thread_id, counter)
  local body = "csrfmiddlewaretoken=" .. csrf .. "&name=Bench+Person&email=" .. email
    .. "&privacy_consent=on&submission_key=" .. email
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. csrf,
  }, body)
end
