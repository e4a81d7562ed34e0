CREATE INDEX deal_account_id IF NOT EXISTS FOR (n:Deal) ON (n.account_id)
