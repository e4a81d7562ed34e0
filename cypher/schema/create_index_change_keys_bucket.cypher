CREATE INDEX change_keys_bucket IF NOT EXISTS FOR (n:ChangeLogKeys) ON (n.bucket)
