package dev.autoconvert.rules;

import dev.autoconvert.oci.registry.ProxySettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class RuleServiceApplication {
  public static void main(String[] args) {
    ProxySettings.allowBasicProxyAuthentication();
    SpringApplication.run(RuleServiceApplication.class, args);
  }
}
