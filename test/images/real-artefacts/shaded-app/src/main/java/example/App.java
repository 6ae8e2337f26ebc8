package example;

import org.apache.commons.text.StringSubstitutor;

public class App {
  public static void main(String[] args) {
    System.out.println(StringSubstitutor.replaceSystemProperties("java ${java.version}"));
  }
}
