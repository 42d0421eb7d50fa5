-- pg_auto_failover's monitor: how fast it decides that a node is lost and replaces the primary (docs/deploy.md,
-- "Database failover"; ADR 0012). Run once on the monitor, as a superuser, then reload:
--
--   psql -d pg_auto_failover -f deploy/pg-auto-failover-monitor.sql
--
-- make loadtest-cluster (loadtest/cluster.py) applies this very file. pg_auto_failover's defaults, in brackets,
-- replace a lost primary in about 50 s; these in about 10 s. Keep primary_demote_timeout longer than every keeper's
-- timeout.network_partition_timeout (3 s here: pg_autoctl config set timeout.network_partition_timeout 3), so that
-- a primary cut off from the monitor and its standby has stopped taking writes before its standby is promoted.

-- Health checks of every node: each 1 s (5 s), answered within 1 s (5 s), one retry (2) after 0.5 s (2 s).
ALTER SYSTEM SET pgautofailover.health_check_period = 1000;
ALTER SYSTEM SET pgautofailover.health_check_timeout = 1000;
ALTER SYSTEM SET pgautofailover.health_check_max_retries = 1;
ALTER SYSTEM SET pgautofailover.health_check_retry_delay = 500;
-- A node whose keeper has not reported for 3 s (20 s) and that fails its health check is lost.
ALTER SYSTEM SET pgautofailover.node_considered_unhealthy_timeout = 3000;
-- How long a lost primary is given to demote itself before its standby is promoted: 5 s (30 s).
ALTER SYSTEM SET pgautofailover.primary_demote_timeout = 5000;
SELECT pg_reload_conf();
