CREATE CONSTRAINT stage_change_key IF NOT EXISTS FOR (n:StageChange) REQUIRE (n.deal_id, n.at) IS UNIQUE
