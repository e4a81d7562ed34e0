CREATE CONSTRAINT score_run_scored_at IF NOT EXISTS FOR (n:ScoreRun) REQUIRE n.scored_at IS UNIQUE
