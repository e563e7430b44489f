#!/usr/bin/env bash
# A sweep of the paper's whole grid on one model as a Slurm job array: 8 tasks, each one shard, all writing into one
# S3 location. Submit with `sbatch slurm-array.sh`; report when it has finished with
# `peer-preservation report s3://my-bucket/sweeps/gpt-5.2`. Any --array range works (1-8, 0-7, 0-70:10): the K-th id
# of the range is shard K. The project (with s3fs) is installed in the environment the job activates.
#SBATCH --job-name=peer-preservation
#SBATCH --array=1-8
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=24:00:00
#SBATCH --requeue
set -euo pipefail

# The provider key and the store's credentials (OPENAI_API_KEY, AWS_ACCESS_KEY_ID, ...) come from the submitting
# shell (Slurm exports its environment by default) or from a file you source here.
MODEL="${MODEL:-gpt-5.2}"
LOG_DIR="${LOG_DIR:-s3://my-bucket/sweeps/gpt-5.2}"

# A requeued or resubmitted task runs the same command again, which resumes its shard from its logs.
exec peer-preservation run --model "$MODEL" --grid paper --epochs 100 --shard auto --log-dir "$LOG_DIR" "$@"
