CREATE CONSTRAINT close_date_change_key IF NOT EXISTS FOR (n:CloseDateChange) REQUIRE (n.deal_id, n.at) IS UNIQUE
