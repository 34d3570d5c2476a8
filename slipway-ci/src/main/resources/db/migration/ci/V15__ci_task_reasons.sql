-- Why a task was skipped (its when: condition, a dependency that did not succeed), shown in the run's JSON.
ALTER TABLE ci_tasks ADD COLUMN reason VARCHAR(1000);
