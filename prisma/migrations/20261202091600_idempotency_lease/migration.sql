-- A reservation is held by one caller (holder) until its lease ends; the holder renews it while
-- the call runs, so a key whose caller crashed is taken over once the lease has passed.
ALTER TABLE "IdempotencyRecord" ADD COLUMN "holder" UUID,
ADD COLUMN "leaseExpiresAt" TIMESTAMP(3);
