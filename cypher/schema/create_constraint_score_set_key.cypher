CREATE CONSTRAINT score_set_key IF NOT EXISTS FOR (n:ScoreSet) REQUIRE (n.account_id, n.as_of) IS UNIQUE
