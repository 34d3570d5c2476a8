package dev.slipway.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.core.config.ConfigLoader;
import dev.slipway.core.config.SlipwayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Database#hasSchema}: the CLI's test for "a server has used this database" changes nothing. */
class DatabaseTest {
    @Test
    void aMissingSqliteFileHasNoSchemaAndIsNotCreated() throws Exception {
        Path data = Files.createTempDirectory("slipway-db-").resolve("data");
        SlipwayConfig config = new ConfigLoader(Map.of()).load(Map.of("data", data.toString()), null);

        assertThat(Database.hasSchema(config)).isFalse();
        assertThat(data).doesNotExist();

        Database.open(config, List.of("core")).close();
        assertThat(Database.hasSchema(config)).isTrue();
    }

    @Test
    void aFileThatIsNotSlipwaysHasNoSchema() throws Exception {
        Path file = Files.createTempDirectory("slipway-db-").resolve("other.db");
        SlipwayConfig config = new ConfigLoader(Map.of()).load(Map.of("database.url", "jdbc:sqlite:" + file + "?foreign_keys=true"), null);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var st = c.createStatement()) {
            st.execute("CREATE TABLE notes (text VARCHAR(10))");
        }
        assertThat(Database.hasSchema(config)).isFalse();
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithoutTheUrlsParameters() {
        SlipwayConfig config = new ConfigLoader(Map.of()).load(
                Map.of("database.url", "jdbc:postgresql://127.0.0.1:1/nowhere?password=hunter2"), null);
        assertThatThrownBy(() -> Database.hasSchema(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot open the database jdbc:postgresql://127.0.0.1:1/nowhere: ").hasMessageNotContaining("hunter2");
    }
}
