-- CreateIndex
CREATE INDEX "jobs_input_key_idx" ON "jobs"("input_key");

