CREATE CONSTRAINT win_model_fitted_at IF NOT EXISTS FOR (n:WinModel) REQUIRE n.fitted_at IS UNIQUE
