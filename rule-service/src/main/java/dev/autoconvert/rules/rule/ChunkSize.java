package dev.autoconvert.rules.rule;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Nydus chunk size: a power of two from 4 KiB to 16 MiB (the range nydus-image accepts); null is
 * allowed and means the default.
 */
@Target({
  ElementType.FIELD,
  ElementType.PARAMETER,
  ElementType.RECORD_COMPONENT,
  ElementType.METHOD
})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ChunkSize.Validator.class)
@interface ChunkSize {
  int MIN = 4 * 1024;
  int MAX = 16 * 1024 * 1024;

  String message() default "must be a power of two from 4096 (4 KiB) to 16777216 (16 MiB)";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Checks the range and that exactly one bit is set. */
  class Validator implements ConstraintValidator<ChunkSize, Integer> {
    @Override
    public boolean isValid(Integer value, ConstraintValidatorContext context) {
      return value == null || (value >= MIN && value <= MAX && Integer.bitCount(value) == 1);
    }
  }
}
