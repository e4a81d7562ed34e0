CREATE CONSTRAINT graphcrm_schema_name IF NOT EXISTS FOR (n:GraphCRMSchema) REQUIRE n.name IS UNIQUE
