-- CreateIndex
CREATE INDEX "Process_data_idx" ON "Process" USING GIN ("data" jsonb_path_ops);
