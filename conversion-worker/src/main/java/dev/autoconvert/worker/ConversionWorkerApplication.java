package dev.autoconvert.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ConversionWorkerApplication {
  public static void main(String[] args) {
    SpringApplication.run(ConversionWorkerApplication.class, args);
  }
}
