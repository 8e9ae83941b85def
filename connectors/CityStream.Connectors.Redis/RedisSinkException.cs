using CityStream.Engine;

namespace CityStream.Connectors.Redis;

/// <summary>
/// Thrown by <see cref="RedisAlertSink"/> when a write still failed after every retry. The inner
/// exception is the last failure. The host must not commit the input offsets of the batch.
/// </summary>
public sealed class RedisSinkException : Exception, ICountedSinkFailure
{
    /// <summary>Creates the exception with no message.</summary>
    public RedisSinkException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What could not be written.</param>
    public RedisSinkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the last failure.</summary>
    /// <param name="message">What could not be written.</param>
    /// <param name="innerException">The last failure.</param>
    public RedisSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
