-- wrk script for tests/bench/run-bench.sh: POST a non-streaming chat completion.
-- The body and the gateway key come from the environment so that run-bench.sh's
-- curl preflight sends exactly the same request. The mock upstream and nginx
-- ignore the Authorization header; gatehouse checks it.
wrk.method = "POST"
wrk.body = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_GATEHOUSE_KEY"), "BENCH_GATEHOUSE_KEY is not set")
