#!/bin/sh
# Creates the PoofBG bucket and an access key limited to it. Safe to run again. Used by the
# bundled-services Job in k8s/ and by the minio-setup service in infra/docker-compose.yml.
# Reads MINIO_ROOT_USER, MINIO_ROOT_PASSWORD, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET and
# optionally MINIO_URL (default http://minio:9000).
set -eu

export MC_CONFIG_DIR="${MC_CONFIG_DIR:-/tmp/.mc}"
url="${MINIO_URL:-http://minio:9000}"
policy_file="$MC_CONFIG_DIR/poofbg-bucket-policy.json"

until mc alias set poofbg "$url" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do
  echo "waiting for MinIO at $url"
  sleep 2
done

mc mb --ignore-existing "poofbg/$S3_BUCKET"

cat > "$policy_file" <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      "Resource": ["arn:aws:s3:::$S3_BUCKET/*"]
    }
  ]
}
POLICY
mc admin policy create poofbg poofbg-app "$policy_file"
mc admin user add poofbg "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
if ! mc admin user info poofbg "$S3_ACCESS_KEY" | grep -q 'poofbg-app'; then
  mc admin policy attach poofbg poofbg-app --user "$S3_ACCESS_KEY"
fi
echo "bucket $S3_BUCKET ready; access key $S3_ACCESS_KEY may use it"
