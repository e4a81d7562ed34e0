CREATE INDEX deal_name_key IF NOT EXISTS FOR (n:Deal) ON (n.name_key, n.id)
