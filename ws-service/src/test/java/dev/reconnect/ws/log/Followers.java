package dev.reconnect.ws.log;

/** Reaches the follower's package-private controls from tests in other packages. */
public final class Followers {
    public static void start(LogFollower follower) {
        follower.start();
    }

    public static void stop(LogFollower follower) {
        follower.stop();
    }

    public static void headWentBack(LogFollower follower, long newHead) {
        follower.headWentBack(newHead);
    }

    private Followers() {}
}
