-- wrk: POST the bootstrap admin's credentials to /api/admin/auth/login.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"admin@sora.local","password":"sora-admin-dev"}'
dofile(os.getenv("SORA_BENCH_REPORT") or "scripts/bench/report.lua")
