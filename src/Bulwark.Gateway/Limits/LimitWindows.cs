namespace Bulwark.Gateway.Limits;

/// <summary>The fixed windows limits count in, all in UTC: the minute, the day, the calendar month.</summary>
internal enum LimitWindow
{
    Minute,
    Day,
    Month,
}

internal static class LimitWindows
{
    /// <summary>The window's start (Unix ms, the counter's key) and the time until it ends.</summary>
    public static (long Start, TimeSpan Remaining) Current(LimitWindow window, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        DateTimeOffset start, end;
        switch (window)
        {
            case LimitWindow.Minute:
                start = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
                end = start.AddMinutes(1);
                break;
            case LimitWindow.Day:
                start = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
                end = start.AddDays(1);
                break;
            default:
                start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
                end = start.AddMonths(1);
                break;
        }

        return (start.ToUnixTimeMilliseconds(), end - utc);
    }
}
